"""Mistranslation checks: the framework (base) and the built-in rules."""

from audit.checks.base import REGISTRY, Context, Hit, Rule, all_rules, rule, run_rules, select_rules

__all__ = ["REGISTRY", "Context", "Hit", "Rule", "all_rules", "rule", "run_rules", "select_rules"]
