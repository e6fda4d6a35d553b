"""redvest's domain and optimisation core: pure Python, no Flask, no database."""
