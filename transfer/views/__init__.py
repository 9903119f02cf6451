"""Pages of the transfer app: contracts, and achievement transformation and awards."""
