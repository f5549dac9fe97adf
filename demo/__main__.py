from demo.prepare import main

raise SystemExit(main())
