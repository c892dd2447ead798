"""Reports: the typed report models each command produces, their words in vi and en."""
