"""Flask extensions, bound to an app by ``create_app`` through their ``init_app``."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Storage, strategy and limits come from the app's config (web.auth.throttle).
limiter = Limiter(key_func=get_remote_address)
