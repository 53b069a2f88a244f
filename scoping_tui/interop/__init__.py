"""Reading threat models written by other tools."""
