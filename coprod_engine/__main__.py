from coprod_engine.cli import main

raise SystemExit(main())
