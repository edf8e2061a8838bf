from supportdesk_tui.cli import main

raise SystemExit(main())
