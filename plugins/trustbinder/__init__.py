"""trustbinder: a SOC 2 program kept in git, compiled into three audience sites."""

__version__ = "0.1.0"
