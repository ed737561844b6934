"""One entry point per change of the registry. Web views, admin actions, the CLI and imports call these."""
