from dualnet.cli import main

raise SystemExit(main())
