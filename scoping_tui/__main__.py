from scoping_tui.cli import main

raise SystemExit(main())
