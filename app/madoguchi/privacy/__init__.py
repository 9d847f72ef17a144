"""Protection of residents' data: encryption, retention, audit, users and roles."""
