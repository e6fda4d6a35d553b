"""Routes of accounts: log in, log out, choose the language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from web.auth import access, bp
from web.auth.throttle import login_limits
from web.auth.users import authenticate, end_sessions
from web.db import get_session

LANGUAGES = ("zh", "en")


class LoginForm(FlaskForm):
    """User name and password."""

    username = StringField("username", validators=[DataRequired()])
    password = PasswordField("password", validators=[DataRequired()])


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect would let a link send people elsewhere.
    if target and target.startswith("/") and not urlsplit(target).netloc:
        return target
    return url_for("communities.index")


@bp.route("/login", methods=["GET", "POST"])
@login_limits
def login() -> Response | str | tuple[str, int]:
    """The log-in form; on success go where the user was heading (failures are counted
    per account and per address: ``web.auth.throttle``)."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(get_session(), form.username.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("用户名或密码不正确"), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    """End the session, and every other session of the account: the server refuses the
    old cookie from now on, even if someone kept a copy."""
    end_sessions(access.user())
    get_session().commit()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.get("/lang/<code>")
def language(code: str) -> Response:
    """Switch the interface language and return to the page."""
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")))


def select_locale() -> str:
    """The user's choice, else the browser's preference; Chinese when neither says."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]
