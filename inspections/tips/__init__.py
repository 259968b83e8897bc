"""The whistleblower programme (安全吹哨人): anonymous tips, receipts, handling, rewards."""
