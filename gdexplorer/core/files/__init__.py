"""Files written safely and read back exactly: pairs, CSV tables, file kinds."""
