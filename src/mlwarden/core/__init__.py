"""What every hook shares, each idea once: findings, rules, config, sources, runner."""
