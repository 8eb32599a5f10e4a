# weston's terminal, running cat (see foot.app); typed text is echoed
APP_CMD=(weston-terminal --shell=/bin/cat)
APP_TYPE=typed-after-restore
