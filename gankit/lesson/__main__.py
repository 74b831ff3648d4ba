from gankit.lesson.runner import main

raise SystemExit(main())
