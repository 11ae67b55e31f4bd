from kasuhara.cli.main import main

raise SystemExit(main())
