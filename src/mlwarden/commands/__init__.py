"""`mlwarden` subcommands other than `scan`: init, install, baseline, rule docs."""
