"""kamcli: where a key account manager's skills stand against what the account's stage needs."""

__version__ = "0.1.0"
