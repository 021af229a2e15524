-- Start-up looks for reminders a crash left mid-send; keep that lookup off a table scan.
CREATE INDEX reminders_sending ON reminders (id) WHERE state = 'sending';
