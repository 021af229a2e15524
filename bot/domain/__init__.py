"""Pure rules and records of SafeMeet: no Telegram, no SQL; I/O only through protocols."""
