from bench.field_set.run import main

raise SystemExit(main())
