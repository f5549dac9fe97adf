"""Who is signed in: passwords, web sessions, sign-ins and their lockout, the demo passwords."""
