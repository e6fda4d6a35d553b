"""Storage: the models, the engine and its migrations, frames in and out of the database.

Flask-free: the CLI, the jobs and the operations use it directly; ``web.db`` binds it to an app.
"""
