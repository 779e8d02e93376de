"""The service's translation catalogue: Indonesian by default, English with ``?lang=en`` (kept in the session)."""

from __future__ import annotations

from flask import Flask, has_request_context, request, session

from site_builder import i18n

LANGS = i18n.LANGS
DEFAULT_LANG = i18n.DEFAULT_LANG

# Keys are stable identifiers; tests assert the Indonesian text. Other areas add theirs with add_messages().
CATALOGUE: dict[str, dict[str, str]] = {
    "site_name": {"id": "Rumah Pengetahuan Pokja PKP", "en": "Pokja PKP Knowledge House"},
    "skip_to_content": {"id": "Langsung ke isi", "en": "Skip to content"},
    "search": {"id": "Cari", "en": "Search"},
    "search_placeholder": {
        "id": "Cari pedoman, pembelajaran, keputusan…",
        "en": "Search guidelines, lessons, decisions…",
    },
    "nav_contribute": {"id": "Kontribusi", "en": "Contribute"},
    "nav_moderation": {"id": "Moderasi", "en": "Moderation"},
    "nav_admin": {"id": "Admin", "en": "Admin"},
    "nav_account": {"id": "Akun saya", "en": "My account"},
    "nav_login": {"id": "Masuk", "en": "Log in"},
    "nav_logout": {"id": "Keluar", "en": "Log out"},
    "lang_switch": {"id": "Bahasa", "en": "Language"},
    # login
    "login_title": {"id": "Masuk", "en": "Log in"},
    "email": {"id": "Surel", "en": "Email"},
    "password": {"id": "Kata sandi", "en": "Password"},
    "name": {"id": "Nama", "en": "Name"},
    "role": {"id": "Peran", "en": "Role"},
    "login_button": {"id": "Masuk", "en": "Log in"},
    "login_failed": {"id": "Surel atau kata sandi salah.", "en": "Wrong email or password."},
    "login_rate_limited": {
        "id": "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit.",
        "en": "Too many failed login attempts. Try again in {minutes} minutes.",
    },
    "login_needed": {"id": "Silakan masuk untuk membuka halaman itu.", "en": "Please log in to open that page."},
    "login_fresh_needed": {
        "id": "Untuk tindakan ini, masuk lagi dengan kata sandi Anda.",
        "en": "For this action, log in again with your password.",
    },
    "login_ok": {"id": "Selamat datang, {name}.", "en": "Welcome, {name}."},
    "logout_ok": {"id": "Anda sudah keluar.", "en": "You have logged out."},
    "account_disabled": {
        "id": "Akun ini dinonaktifkan. Hubungi admin Pokja.",
        "en": "This account is disabled. Contact the Pokja admin.",
    },
    "forbidden_title": {"id": "Akses ditolak", "en": "Access denied"},
    "forbidden": {
        "id": "Peran Anda ({role}) tidak diizinkan membuka halaman ini.",
        "en": "Your role ({role}) may not open this page.",
    },
    "not_found_title": {"id": "Halaman tidak ditemukan", "en": "Page not found"},
    "not_found": {"id": "Alamat ini tidak ada.", "en": "This address does not exist."},
    "back_home": {"id": "Kembali ke beranda", "en": "Back to the home page"},
    # set password
    "set_password_title": {"id": "Atur kata sandi", "en": "Set your password"},
    "new_password": {"id": "Kata sandi baru", "en": "New password"},
    "new_password_again": {"id": "Ulangi kata sandi baru", "en": "New password again"},
    "save": {"id": "Simpan", "en": "Save"},
    "password_too_short": {
        "id": "Kata sandi minimal {min} karakter.",
        "en": "The password needs at least {min} characters.",
    },
    "password_mismatch": {"id": "Kedua kata sandi tidak sama.", "en": "The two passwords differ."},
    "password_set": {
        "id": "Kata sandi tersimpan. Silakan masuk.",
        "en": "Password saved. Please log in.",
    },
    "link_invalid": {
        "id": "Tautan ini tidak berlaku: sudah dipakai, kedaluwarsa, atau salah. Minta tautan baru kepada admin.",
        "en": "This link is not valid: already used, expired, or wrong. Ask the admin for a new one.",
    },
    # own account
    "account_title": {"id": "Akun saya", "en": "My account"},
    "last_login": {"id": "Terakhir masuk", "en": "Last login"},
    "current_password": {"id": "Kata sandi sekarang", "en": "Current password"},
    "change_password": {"id": "Ganti kata sandi", "en": "Change password"},
    "current_password_wrong": {"id": "Kata sandi sekarang salah.", "en": "The current password is wrong."},
    "password_changed": {"id": "Kata sandi diganti.", "en": "Password changed."},
    # roles
    "role_anggota": {"id": "anggota", "en": "member"},
    "role_pelatih": {"id": "pelatih", "en": "trainer"},
    "role_moderator": {"id": "moderator", "en": "moderator"},
    "role_admin": {"id": "admin", "en": "admin"},
    # account creation
    "bad_email": {"id": "Alamat surel '{email}' tidak sah.", "en": "'{email}' is not a valid email address."},
    "bad_role": {
        "id": "Peran '{role}' tidak dikenal; pilih salah satu: {roles}.",
        "en": "Unknown role '{role}'; choose one of: {roles}.",
    },
    "email_taken": {"id": "Akun dengan surel {email} sudah ada.", "en": "An account for {email} already exists."},
    "no_such_user": {"id": "Tidak ada akun dengan surel {email}.", "en": "No account with email {email}."},
    # CSRF and errors
    "csrf_title": {"id": "Formulir kedaluwarsa", "en": "Form expired"},
    "csrf_failed": {
        "id": "Formulir kedaluwarsa, muat ulang halaman dan kirim lagi.",
        "en": "The form has expired; reload the page and send it again.",
    },
    "reload_form": {"id": "Muat ulang formulir", "en": "Reload the form"},
    # administration
    "admin_title": {"id": "Administrasi akun", "en": "Account administration"},
    "admin_create": {"id": "Buat akun", "en": "Create account"},
    "admin_created": {
        "id": "Akun {email} dibuat. Kirim tautan sekali pakai ini kepadanya untuk mengatur kata sandi "
        "(berlaku {hours} jam): {link}",
        "en": "Account {email} created. Send them this one-time link to set a password (valid {hours} hours): {link}",
    },
    "admin_link": {
        "id": "Tautan sekali pakai baru untuk {email} (berlaku {hours} jam): {link}",
        "en": "New one-time link for {email} (valid {hours} hours): {link}",
    },
    "admin_new_link": {"id": "Tautan sandi baru", "en": "New password link"},
    "admin_disable": {"id": "Nonaktifkan", "en": "Disable"},
    "admin_enable": {"id": "Aktifkan", "en": "Enable"},
    "admin_change_role": {"id": "Ubah peran", "en": "Change role"},
    "admin_disabled": {"id": "Akun {email} dinonaktifkan.", "en": "Account {email} disabled."},
    "admin_enabled": {"id": "Akun {email} diaktifkan.", "en": "Account {email} enabled."},
    "admin_role_changed": {
        "id": "Peran {email} diubah menjadi {role}.",
        "en": "The role of {email} is now {role}.",
    },
    "admin_not_self": {
        "id": "Anda tidak dapat menonaktifkan atau menurunkan peran akun Anda sendiri.",
        "en": "You cannot disable or demote your own account.",
    },
    "admin_audit": {"id": "Catatan audit", "en": "Audit log"},
    "status": {"id": "Status", "en": "Status"},
    "active": {"id": "aktif", "en": "active"},
    "inactive": {"id": "nonaktif", "en": "disabled"},
    "never": {"id": "belum pernah", "en": "never"},
    "when": {"id": "Waktu", "en": "When"},
    "actor": {"id": "Pelaku", "en": "Actor"},
    "action": {"id": "Tindakan", "en": "Action"},
    "target": {"id": "Sasaran", "en": "Target"},
    "detail": {"id": "Rincian", "en": "Detail"},
    "actions": {"id": "Tindakan", "en": "Actions"},
    # pokja user / pokja serve
    "cli_user_created": {"id": "Akun {email} ({role}) dibuat.", "en": "Account {email} ({role}) created."},
    "cli_user_link": {
        "id": "Tautan sekali pakai untuk mengatur kata sandi (berlaku {hours} jam):",
        "en": "One-time link to set the password (valid {hours} hours):",
    },
    "cli_no_users": {"id": "Belum ada akun.", "en": "No accounts yet."},
    "cli_no_password": {"id": "kata sandi belum diatur", "en": "password not set yet"},
    "cli_first_admin": {
        "id": "Belum ada akun: admin pertama dibuat. Kata sandi ini hanya ditampilkan SEKALI:",
        "en": "No accounts yet: the first admin was created. This password is shown ONCE:",
    },
    "cli_first_admin_next": {
        "id": "Masuk lalu ganti kata sandi di /akun, dan buat akun lain di /admin.",
        "en": "Log in, change the password at /akun, and create other accounts at /admin.",
    },
    "cli_accounts_exist": {
        "id": "Akun sudah ada; tidak ada admin baru dibuat.",
        "en": "Accounts exist; no new admin created.",
    },
    "cli_site_fresh": {"id": "Situs {site} sudah terbaru.", "en": "Site {site} is up to date."},
    "cli_site_failed": {
        "id": "Pembangunan situs gagal, halaman layanan tetap dilayani: {details}",
        "en": "The site build failed; the service pages are served anyway: {details}",
    },
    "cli_site_built": {
        "id": "Situs dibangun dari {content} ke {site}.",
        "en": "Site built from {content} into {site}.",
    },
    "cli_index_built": {
        "id": "Indeks pencarian dibangun: {count} dokumen di {index}.",
        "en": "Search index built: {count} documents in {index}.",
    },
    "cli_database": {"id": "Basis data: {url}", "en": "Database: {url}"},
    "cli_serving": {
        "id": "Melayani di http://{host}:{port}/ (Ctrl+C untuk berhenti)",
        "en": "Serving at http://{host}:{port}/ (Ctrl+C to stop)",
    },
}


def add_messages(messages: dict[str, dict[str, str]]) -> None:
    """Add an area's messages to the catalogue; a key defined twice with different text is a bug."""
    for key, entry in messages.items():
        if key in CATALOGUE and CATALOGUE[key] != entry:
            raise ValueError(f"message key {key!r} is already defined differently")
        CATALOGUE[key] = entry


def current_lang() -> str:
    """The language of the current request: ``?lang=``, then the session, then Indonesian."""
    if not has_request_context():
        return DEFAULT_LANG
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    stored = session.get("lang")
    return stored if stored in LANGS else DEFAULT_LANG


_service = i18n.Catalogue(CATALOGUE)


def _(key: str, lang: str | None = None, **params: object) -> str:
    """The message ``key`` in the request's language (service catalogue first, then the content catalogue)."""
    lang = lang or current_lang()
    return (_service if key in CATALOGUE else i18n.t)(key, lang, **params)


def init_app(app: Flask) -> None:
    """Remember ``?lang=`` in the session and expose ``_`` and ``lang`` to templates."""

    @app.before_request
    def _remember_lang() -> None:
        asked = request.args.get("lang")
        if asked in LANGS and session.get("lang") != asked:
            session["lang"] = asked

    @app.context_processor
    def _lang_context() -> dict[str, object]:
        return {"lang": current_lang()}

    app.jinja_env.globals["_"] = _
