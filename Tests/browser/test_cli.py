"""The command line, run as a newcomer or an operator would run it."""
import re
import sqlite3

import requests

from conftest import BINARY, ROOT, Server, run_cli

STRONG = "a long enough passphrase\n"


def test_every_command_has_help(sqlite_url):
    for args in (["serve"], ["migrate"], ["user", "create"], ["user", "reset-factor"], ["token", "create"], ["audit", "verify"], ["endpoints", "check"], ["catalog", "import"],
                 ["reminders"], ["export"], ["export", "verify"], ["lti", "inspect"]):
        result = run_cli([*args, "--help"], sqlite_url)
        assert result.returncode == 0, result.stderr
        assert "Usage" in result.stdout or "usage" in result.stdout.lower()
    assert "--demo" in run_cli(["serve", "--help"], sqlite_url).stdout


def test_migrate_user_token_and_audit_verify(sqlite_url, tmp_path):
    first = run_cli(["migrate"], sqlite_url, check=True)
    migrations = sorted((ROOT / "Sources" / "Persistence" / "Migrations").glob("20*.swift"))
    assert f"Applied {len(migrations)} migration(s)" in first.stdout
    assert migrations[-1].stem in first.stdout
    assert "up to date" in run_cli(["migrate"], sqlite_url, check=True).stdout

    created = run_cli(["user", "create", "--email", "ana@northfield.example", "--name", "Ana Admin", "--role", "admin"],
                      sqlite_url, stdin=STRONG)
    assert created.returncode == 0, created.stderr
    assert "Created admin account ana@northfield.example" in created.stdout

    duplicate = run_cli(["user", "create", "--email", "ANA@northfield.example", "--name", "Again", "--role", "admin"],
                        sqlite_url, stdin=STRONG)
    assert duplicate.returncode == 1
    assert "already exists" in duplicate.stderr
    weak = run_cli(["user", "create", "--email", "bo@northfield.example", "--name", "Bo", "--role", "auditor"],
                   sqlite_url, stdin="short\n")
    assert weak.returncode == 1
    assert "at least 12 characters" in weak.stderr
    bad_role = run_cli(["user", "create", "--email", "cy@northfield.example", "--name", "Cy", "--role", "owner"],
                       sqlite_url, stdin=STRONG)
    assert bad_role.returncode == 1 and "Choose a role" in bad_role.stderr

    token = run_cli(["token", "create", "--email", "ana@northfield.example", "--purpose", "Nightly vendor sync",
                     "--expires-in-days", "30"], sqlite_url)
    assert token.returncode == 0, token.stderr
    assert re.fullmatch(r"vr_[A-Za-z0-9_-]{43}\n", token.stdout), "prints only the token"
    too_long = run_cli(["token", "create", "--email", "ana@northfield.example", "--purpose", "Forever", "--expires-in-days", "400"],
                       sqlite_url)
    assert too_long.returncode == 1 and "1 to 365" in too_long.stderr
    no_purpose = run_cli(["token", "create", "--email", "ana@northfield.example", "--expires-in-days", "3"], sqlite_url)
    assert no_purpose.returncode == 1 and "Purpose is required" in no_purpose.stderr

    server = Server(sqlite_url, demo=False)
    try:
        me = requests.get(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token.stdout.strip()}"}, timeout=10)
        assert me.status_code == 200
        assert me.json()["email"] == "ana@northfield.example"
    finally:
        server.close()

    intact = run_cli(["audit", "verify"], sqlite_url)
    assert intact.returncode == 0, intact.stderr
    assert re.match(r"audit chain intact: 2 event\(s\), head [0-9a-f]{64}", intact.stdout)

    with sqlite3.connect(sqlite_url.removeprefix("sqlite://")) as db:
        db.execute("UPDATE audit_events SET summary = 'nothing happened' WHERE seq = 1")
    broken = run_cli(["audit", "verify"], sqlite_url)
    assert broken.returncode == 1
    assert "event 1 does not match its stored hash" in broken.stderr


def test_commands_on_a_fresh_sqlite_file_migrate_first(sqlite_url, tmp_path):
    # A newcomer's first command is rarely `migrate`: on SQLite every command brings the schema up first.
    created = run_cli(["user", "create", "--email", "first@northfield.example", "--name", "First Admin", "--role", "admin"],
                      sqlite_url, stdin=STRONG)
    assert created.returncode == 0, created.stderr
    assert "Created admin account first@northfield.example" in created.stdout
    fresh = f"sqlite://{tmp_path / 'second.sqlite'}"
    scopes = tmp_path / "scopes.json"
    scopes.write_text('[{"resource": "smart", "resource_name": "Smart Things", "verb": "GET",'
                      ' "scope": "url:GET|/api/v1/courses/:course_id/smart_things"}]')
    imported = run_cli(["catalog", "import", str(scopes)], fresh)
    assert imported.returncode == 0, imported.stderr
    third = f"sqlite://{tmp_path / 'third.sqlite'}"
    token = run_cli(["token", "create", "--email", "nobody@northfield.example", "--purpose", "x"], third)
    assert token.returncode == 1
    assert "no active account" in token.stderr and "audit_head" not in token.stderr


def test_commands_on_an_unmigrated_postgresql_say_to_migrate(postgres_url):
    created = run_cli(["user", "create", "--email", "first@northfield.example", "--name", "First Admin", "--role", "admin"],
                      postgres_url, stdin=STRONG)
    assert created.returncode == 1
    assert "run `vendor-review migrate`" in created.stderr
    assert "relation" not in created.stderr and "audit_head" not in created.stderr
    assert run_cli(["migrate"], postgres_url).returncode == 0
    again = run_cli(["user", "create", "--email", "first@northfield.example", "--name", "First Admin", "--role", "admin"],
                    postgres_url, stdin=STRONG)
    assert again.returncode == 0, again.stderr


def test_startup_errors_name_the_problem_but_never_the_password(tmp_path):
    unreachable = run_cli(["migrate"], "postgres://vr:topsecret-pw@127.0.0.1:1/vendor_review")
    assert unreachable.returncode == 1
    assert "127.0.0.1:1" in unreachable.stderr
    assert "topsecret-pw" not in unreachable.stderr + unreachable.stdout
    bad_scheme = run_cli(["migrate"], "mysql://root:pw@db/vr")
    assert bad_scheme.returncode == 1
    assert "DATABASE_URL" in bad_scheme.stderr and "pw@" not in bad_scheme.stderr


def test_demo_loads_once_and_prints_logins(sqlite_url):
    for expected in ("(demo data loaded)", "(demo data already present)"):
        server = Server(sqlite_url, demo=True)
        try:
            output = server.output()
            assert expected in output
            assert "admin@northfield.example" in output and "northfield-demo-2026" in output
            assert f"Open http://127.0.0.1:{server.port}/" in output
        finally:
            server.close()
    # 36 demo records, plus the demo's Canvas sync: the sync itself, two inherited keys it added to the
    # inventory and the manual tokens it added to the register.
    assert run_cli(["audit", "verify"], sqlite_url).stdout.startswith("audit chain intact: 40 event(s)")


def test_two_instances_share_one_postgresql(postgres_url):
    assert run_cli(["migrate"], postgres_url).returncode == 0
    a = Server(postgres_url, demo=True)
    b = Server(postgres_url, demo=False)
    try:
        assert requests.get(f"{a.url}/healthz", timeout=5).json() == {"status": "ok", "database": "postgresql"}
        session = requests.Session()
        login_page = session.get(f"{a.url}/login", timeout=10).text
        csrf = re.search(r'name="_csrf" value="([^"]+)"', login_page).group(1)
        response = session.post(f"{a.url}/login", data={"_csrf": csrf, "email": "admin@northfield.example",
                                                          "password": "northfield-demo-2026"}, allow_redirects=False, timeout=10)
        assert response.status_code == 303
        # The session made on instance A is honoured by instance B: sessions live in the database.
        cookie = session.cookies.get("vr_session")
        on_b = requests.get(f"{b.url}/vendors", cookies={"vr_session": cookie}, allow_redirects=False, timeout=10)
        assert on_b.status_code == 200 and "Quillstone Learning" in on_b.text
        # Concurrent writes through both instances keep one unforked chain.
        token = run_cli(["token", "create", "--email", "admin@northfield.example", "--purpose", "two instances",
                         "--expires-in-days", "1"], postgres_url, check=True).stdout.strip()
        headers = {"Authorization": f"Bearer {token}"}
        from concurrent.futures import ThreadPoolExecutor

        def create(i):
            base = a.url if i % 2 else b.url
            return requests.post(f"{base}/api/v1/vendors", json={"name": f"Parallel {i}"}, headers=headers, timeout=30).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            assert set(pool.map(create, range(20))) == {201}
        verify = run_cli(["audit", "verify"], postgres_url)
        assert verify.returncode == 0, verify.stderr
        # 36 demo events and the 4 of the demo's Canvas sync, the sign-in, the token and the 20 vendors.
        assert "audit chain intact: 62 event(s)" in verify.stdout, verify.stdout
    finally:
        a.close()
        b.close()


def test_endpoints_check_reads_a_file_or_stdin_and_fails_on_unknown_lines(sqlite_url, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("GET /api/v1/courses/123/enrollments  # roster for attendance\n"
                    "POST /api/v1/courses/123/assignments/9/submissions/update_grades  # attendance scores\n")
    ok = run_cli(["endpoints", "check", str(good)], sqlite_url)
    assert ok.returncode == 0, ok.stderr
    assert "url:GET|/api/v1/courses/:course_id/enrollments" in ok.stdout
    assert "overall risk high" in ok.stdout

    bad = run_cli(["endpoints", "check", "-"], sqlite_url, stdin="GET /api/v1/coures/1/users\n")
    assert bad.returncode == 1
    assert "did you mean: GET /api/v1/courses/:course_id/users" in bad.stdout
    assert "1 line(s) name endpoints the catalog does not know" in bad.stderr
    assert "[ WARNING ]" not in bad.stdout + bad.stderr

    missing = run_cli(["endpoints", "check", str(tmp_path / "nope.txt")], sqlite_url)
    assert missing.returncode == 1 and "cannot read" in missing.stderr

    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes(b"GET /api/v1/courses  # ok\nGET /api/v1/courses  # caf\xe9\n")
    undecodable = run_cli(["endpoints", "check", str(latin1)], sqlite_url)
    assert undecodable.returncode == 1 and "latin1.txt: line 2 is not UTF-8 text" in undecodable.stderr

    huge = tmp_path / "huge.txt"
    huge.write_text("GET /api/v1/courses/" + "x" * 40_000 + "  # a pasted blob\n")
    refused = run_cli(["endpoints", "check", str(huge)], sqlite_url)
    assert refused.returncode == 1 and "longer than 2048 characters" in refused.stdout


def test_catalog_import_extends_what_endpoints_check_knows(sqlite_url, tmp_path):
    run_cli(["migrate"], sqlite_url, check=True)
    listing = tmp_path / "list.txt"
    listing.write_text("GET /api/v1/courses/5/smart_things  # the vendor's new feature\n")
    assert run_cli(["endpoints", "check", str(listing)], sqlite_url).returncode == 1
    scopes = tmp_path / "scopes.json"
    scopes.write_text('[{"resource": "smart", "resource_name": "Smart Things", "verb": "GET",'
                      ' "scope": "url:GET|/api/v1/courses/:course_id/smart_things"}]')
    imported = run_cli(["catalog", "import", str(scopes)], sqlite_url)
    assert imported.returncode == 0, imported.stderr
    assert "Imported 1 new endpoint(s)" in imported.stdout
    checked = run_cli(["endpoints", "check", str(listing)], sqlite_url)
    assert checked.returncode == 0, checked.stdout
    assert "url:GET|/api/v1/courses/:course_id/smart_things" in checked.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    refused = run_cli(["catalog", "import", str(bad)], sqlite_url)
    assert refused.returncode == 1 and "empty" in refused.stderr


def test_reminders_go_out_once(demo_server, sqlite_url):
    first = run_cli(["reminders"], sqlite_url, check=True)
    assert re.fullmatch(r"\d+ reminder\(s\) queued\n\d+ released key\(s\) newly flagged: gate no longer met; \d+ met again\n", first.stdout), first.stdout
    second = run_cli(["reminders"], sqlite_url, check=True)
    assert second.stdout == "0 reminder(s) queued\n0 released key(s) newly flagged: gate no longer met; 0 met again\n", \
        "a second run the same day sends nothing again, and flags nothing twice"


def test_export_writes_a_bundle_that_verifies_and_refuses_a_used_directory(demo_server, sqlite_url, tmp_path):
    out = tmp_path / "export"
    written = run_cli(["export", "--out", str(out), "--as-of", "2026-01-01"], sqlite_url)
    assert written.returncode == 0, written.stderr
    assert "export: audit:" in written.stdout and "export written to" in written.stdout
    assert (out / "as_of.csv").read_text().startswith("integration,status_then")
    checked = run_cli(["export", "verify", str(out)], sqlite_url)
    assert checked.returncode == 0 and checked.stdout.startswith("export intact")
    again = run_cli(["export", "--out", str(out)], sqlite_url)
    assert again.returncode == 1 and "is not empty" in again.stderr
    bad_date = run_cli(["export", "--out", str(tmp_path / "other"), "--as-of", "last week"], sqlite_url)
    assert bad_date.returncode == 1 and "--as-of must be a date" in bad_date.stderr


def test_lti_inspect_prints_json_and_refuses_hostile_xml(sqlite_url, tmp_path):
    import json

    config = tmp_path / "tool.xml"
    config.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<cartridge_basiclti_link xmlns="http://www.imsglobal.org/xsd/imslticc_v1p0" xmlns:blti="http://www.imsglobal.org/xsd/imsbasiclti_v1p0"
    xmlns:lticm="http://www.imsglobal.org/xsd/imslticm_v1p0">
  <blti:title>Library Reserves</blti:title>
  <blti:launch_url>https://reserves.harbor.example/lti</blti:launch_url>
  <blti:extensions platform="canvas.instructure.com">
    <lticm:property name="privacy_level">email_only</lticm:property>
    <lticm:options name="course_navigation"><lticm:property name="url">https://reserves.harbor.example/lti/course</lticm:property></lticm:options>
  </blti:extensions>
</cartridge_basiclti_link>""")
    database = tmp_path / "untouched.sqlite"
    result = run_cli(["lti", "inspect", str(config)], f"sqlite://{database}")
    assert result.returncode == 0, result.stderr
    assert not database.exists(), "inspect never opens the database"
    found = json.loads(result.stdout)
    assert found == {"lti_version": "1.1", "title": "Library Reserves", "privacy_level": "email_only", "placements": ["course_navigation"],
                     "scopes": [], "target_link_uri": "https://reserves.harbor.example/lti", "domains": ["reserves.harbor.example"]}
    evil = tmp_path / "evil.xml"
    evil.write_text('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><cartridge_basiclti_link>&lol2;</cartridge_basiclti_link>')
    refused = run_cli(["lti", "inspect", str(evil)], sqlite_url)
    assert refused.returncode == 1 and "refused for safety" in refused.stderr


DRIFT_LOG = """id,timestamp,user_id,developer_key_id,http_method,url,http_status,user_agent
1,2026-11-20T10:00:00Z,88001,,GET,/api/v1/courses/2201/users,200,Brightpath-Proctor/4.2
2,2026-11-20T10:00:01Z,88001,,GET,/api/v1/courses/2201/sections,200,Brightpath-Proctor/4.2
3,2026-11-20T10:00:02Z,9,170000000000999,GET,/api/v1/accounts/1/users,200,curl/8.4.0
4,2026-11-20T10:00:03Z,9
"""


def test_drift_scans_logs_with_progress_and_json(demo_server, sqlite_url, tmp_path):
    import gzip
    import json

    plain = tmp_path / "web_logs.csv"
    plain.write_text(DRIFT_LOG)
    compressed = tmp_path / "more.jsonl.gz"
    with gzip.open(compressed, "wt") as handle:
        handle.write('{"value": {"timestamp": "2026-11-21T08:00:00Z", "http_method": "PUT", "url": "/api/v1/courses/1/quizzes/2/submissions/3",'
                     ' "user_agent": "Brightpath-Proctor/4.3"}}\n')
    result = run_cli(["drift", str(plain), str(compressed)], sqlite_url)
    assert result.returncode == 0, result.stderr
    assert "drift: 100% read" in result.stderr, "progress goes to stderr"
    out = result.stdout
    assert "drift: 5 rows" in out and "1 malformed" in out
    assert "Exam proctoring: 3 requests, 2 in scope, 1 out of scope" in out
    assert "OUT OF SCOPE GET /api/v1/courses/:course_id/sections" in out
    assert "unknown key 170000000000999: 1 requests" in out
    assert "malformed: web_logs.csv:5: 3 columns, the header has 8" in out

    as_json = run_cli(["drift", "--json", str(plain)], sqlite_url)
    assert as_json.returncode == 0, as_json.stderr
    scan = json.loads(as_json.stdout)
    assert scan["rows"] == 4 and scan["malformedRows"] == [{"file": "web_logs.csv", "line": 5, "reason": "3 columns, the header has 8"}]
    proctoring = next(i for i in scan["integrations"] if i["name"] == "Exam proctoring")
    assert proctoring["findings"][0]["endpoint"] == "/api/v1/courses/:course_id/sections"
    # Both scans are stored and audited, with the demo's own scan before them.
    assert "audit chain intact: 42 event(s)" in run_cli(["audit", "verify"], sqlite_url).stdout

    unusable = tmp_path / "no-url.csv"
    unusable.write_text("timestamp,http_method,user_agent\nx,GET,y\n")
    refused = run_cli(["drift", str(unusable)], sqlite_url)
    assert refused.returncode == 1 and "no-url.csv: the log has no url column" in refused.stderr
    missing = run_cli(["drift", str(tmp_path / "absent.csv")], sqlite_url)
    assert missing.returncode == 1 and "cannot read" in missing.stderr
    bad_column = run_cli(["drift", "--column", "colour=x", str(plain)], sqlite_url)
    assert bad_column.returncode == 1 and "is not field=header" in bad_column.stderr
