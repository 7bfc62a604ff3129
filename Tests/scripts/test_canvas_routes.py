"""scripts/canvas-routes: reading Canvas's route sets and generating the catalog from them.

The routes file here is written for the test in the shapes Canvas's config/routes.rb uses (it is not
Canvas's file); the expected facts are worked out by hand from ApiRouteSet's rules.
"""

import importlib.machinery
import importlib.util
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "canvas-routes")


def load():
    loader = importlib.machinery.SourceFileLoader("canvas_routes", SCRIPT)
    spec = importlib.util.spec_from_loader("canvas_routes", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


canvas_routes = load()

ROUTES = r'''
# frozen_string_literal: true
full_path_glob = "(/*full_path)"

CanvasRails::Application.routes.draw do
  get "inbox" => "context#inbox"
  resources :courses do
    get :students
  end
  if Rails.env.test?
    post "/test/mock" => "test#mock"
  end

  ApiRouteSet::V1.draw(self) do
    scope(controller: :courses) do
      get "courses", action: :index, as: "courses" # the list
      get "courses/:id", action: :show
      get "courses/:course_id/settings", action: :api_settings, as: "course_settings"
      get "courses/:course_id/folders/:id", controller: :folders, action: :show
    end

    scope(controller: :submissions_api) do
      [%w[course course], %w[section course_section]].each do |(context, path_prefix)|
        get "#{context.pluralize}/:#{context}_id/assignments/:assignment_id/submissions",
            action: :index,
            as: "#{path_prefix}_assignment_submissions"
      end
    end

    scope(controller: :outcome_groups_api) do
      %w[global account].each do |context|
        prefix = ((context == "global") ? context : "#{context}s/:#{context}_id")
        unless context == "global"
          get "#{prefix}/outcome_groups", action: :index
        end
        get "#{prefix}/root_outcome_group", action: :redirect
      end
    end

    scope(controller: :group_categories) do
      resources :group_categories, except: [:index, :create]
    end

    scope(controller: :groups) do
      scope(controller: :group_memberships) do
        resources :memberships, path: "groups/:group_id/memberships", name_prefix: "group_", only: [:show, :destroy]
      end
      get "courses/:course_id/bulk_user_tags", to: "groups#bulk_user_tags"
    end

    scope(controller: :custom_data) do
      glob = "(/*scope)"
      get "users/:user_id/custom_data#{glob}", action: "get_data"
    end

    scope(controller: :jobs_v2) do
      get "jobs2/:bucket", action: :list, constraints: { bucket: /running|queued/ }
      get "jobs2/clusters", action: :clusters
      get "jobs2/:id", action: :lookup, constraints: { id: /\d+/ }
    end

    scope(controller: :communication_channels) do
      delete "users/:user_id/communication_channels/:type/:address", action: :destroy, constraints: { address: %r{[^/?]+} }
    end

    scope(controller: :files) do
      match "/api/v1/files/:id/create_success", via: [:options], action: :api_create_success_cors
      get "users/self/bookmarks/", action: :index
    end

    scope(controller: :epub_exports) do
      get "courses/:course_id/epub_exports/:id", {
        action: :show
      }
    end
  end

  ApiRouteSet.draw(self, "/api/lti") do
    %w[course].each do |context|
      prefix = "#{context}s/:#{context}_id"
      post "#{prefix}/tool_proxy", controller: "lti/ims/tool_proxy", action: :re_reg, constraints: Lti::ReRegConstraint.new
      post "#{prefix}/tool_proxy", controller: "lti/ims/tool_proxy", action: :create
    end
  end
end
'''

EXPECTED = [
    ("GET", "/api/v1/courses", "courses#index", []),
    ("GET", "/api/v1/courses/:id", "courses#show", []),
    ("GET", "/api/v1/courses/:course_id/settings", "courses#api_settings", []),
    ("GET", "/api/v1/courses/:course_id/folders/:id", "folders#show", []),
    ("GET", "/api/v1/courses/:course_id/assignments/:assignment_id/submissions", "submissions_api#index", []),
    ("GET", "/api/v1/sections/:section_id/assignments/:assignment_id/submissions", "submissions_api#index", []),
    ("GET", "/api/v1/global/root_outcome_group", "outcome_groups_api#redirect", []),
    ("GET", "/api/v1/accounts/:account_id/outcome_groups", "outcome_groups_api#index", []),
    ("GET", "/api/v1/accounts/:account_id/root_outcome_group", "outcome_groups_api#redirect", []),
    ("GET", "/api/v1/group_categories/:group_categorie_id", "group_categories#show", []),
    ("PUT", "/api/v1/group_categories/:group_categorie_id", "group_categories#update", []),
    ("DELETE", "/api/v1/group_categories/:group_categorie_id", "group_categories#destroy", []),
    ("GET", "/api/v1/groups/:group_id/memberships/:membership_id", "group_memberships#show", []),
    ("DELETE", "/api/v1/groups/:group_id/memberships/:membership_id", "group_memberships#destroy", []),
    ("GET", "/api/v1/courses/:course_id/bulk_user_tags", "groups#bulk_user_tags", []),
    ("GET", "/api/v1/users/:user_id/custom_data(/*scope)", "custom_data#get_data", []),
    ("GET", "/api/v1/jobs2/:bucket", "jobs_v2#list", ["bucket=running|queued"]),
    ("GET", "/api/v1/jobs2/clusters", "jobs_v2#clusters", []),
    ("GET", "/api/v1/jobs2/:id", "jobs_v2#lookup", [r"id=\d+"]),
    ("DELETE", "/api/v1/users/:user_id/communication_channels/:type/:address", "communication_channels#destroy", ["address=[^/?]+"]),
    ("OPTIONS", "/api/v1/files/:id/create_success", "files#api_create_success_cors", []),
    ("GET", "/api/v1/users/self/bookmarks", "files#index", []),
    ("GET", "/api/v1/courses/:course_id/epub_exports/:id", "epub_exports#show", []),
    ("POST", "/api/lti/courses/:course_id/tool_proxy", "lti/ims/tool_proxy#re_reg", ["request=Lti::ReRegConstraint"]),
    ("POST", "/api/lti/courses/:course_id/tool_proxy", "lti/ims/tool_proxy#create", []),
]


def test_extract_keeps_the_facts_of_api_route_sets_in_definition_order():
    routes = canvas_routes.extract(ROUTES)
    found = [(r["method"], r["path"], f"{r['controller']}#{r['action']}", r["constraints"]) for r in routes]
    assert found == EXPECTED


@pytest.mark.parametrize("body, message", [
    ("  ApiRouteSet::V1.draw(self) do\n    redirect_to \"x\"\n  end\n", "line 2: cannot read"),
    ("  ApiRouteSet::V1.draw(self) do\n    get \"x/#{nowhere}\", action: :x, controller: :y\n  end\n", "unknown name 'nowhere'"),
    ("  ApiRouteSet::V1.draw(self) do\n    get \"x\", action: :x\n  end\n", "names no controller"),
    ("  ApiRouteSet::V1.draw(self) do\n    scope(controller: :x) do\n      get \"y\", action: :y\n", "never ends"),
    ("  ApiRouteSet::V1.draw(self) do\n    scope(path: \"x\") do\n    end\n  end\n", "scope options other than controller"),
])
def test_what_it_cannot_read_stops_it_with_the_line(body, message):
    with pytest.raises(canvas_routes.RoutesError) as error:
        canvas_routes.extract(body)
    assert message in str(error.value)


def write(path, text):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def generated(tmp_path, annotations):
    routes = tmp_path / "routes.tsv"
    with open(routes, "w", encoding="utf-8") as handle:
        canvas_routes.write_routes(canvas_routes.extract(ROUTES), "0" * 40, "test routes", handle)
    write(tmp_path / "annotations.txt", annotations)
    return canvas_routes.generate(str(routes), str(tmp_path / "annotations.txt"))


ANNOTATIONS = """\
## Courses | course_settings
GET /api/v1/courses
GET /api/v1/courses/:course_id
## Group Categories | roster
GET /api/v1/group_categories/:group_category_id
## Folders | files
GET /api/v1/courses/:course_id/folders/root
## New Quizzes | quizzes
GET /api/quiz/v1/courses/:course_id/quizzes
## Made up | public
GET /api/v1/nothing/like/this
"""


def test_generate_merges_annotations_by_shape_and_keeps_canvas_text(tmp_path):
    text, stats = generated(tmp_path, ANNOTATIONS)
    lines = {line.split("\t")[0]: line.split("\t") for line in text.splitlines() if not line.startswith("#")}
    # Annotated by shape: Canvas's `:id` and `:group_categorie_id`, the annotation's resource and kinds.
    assert lines["GET /api/v1/courses/:id"][1:3] == ["Courses", "course_settings"]
    assert lines["GET /api/v1/courses/:id"][5] == "catalog:3"
    assert lines["GET /api/v1/group_categories/:group_categorie_id"][1:3] == ["Group Categories", "roster"]
    assert "GET /api/v1/group_categories/:group_category_id" not in lines
    # Derived from the controller's words, every fitting rule, and named after annotated siblings.
    grades = lines["GET /api/v1/courses/:course_id/assignments/:assignment_id/submissions"]
    assert grades[2] == "submissions" and grades[5] == "derived:controller submissions_api#index"
    assert lines["PUT /api/v1/group_categories/:group_categorie_id"][1] == "Group Categories"
    # A documented value of a table parameter is no route; an unknown invention is left out and reported;
    # New Quizzes, served outside the table, stays after every table route.
    assert not any("folders/root" in key for key in lines)
    assert "GET /api/v1/nothing/like/this" not in lines
    assert [entry["path"] for entry in stats["unrouted"]] == ["/api/v1/nothing/like/this"]
    quiz = lines["GET /api/quiz/v1/courses/:course_id/quizzes"]
    assert quiz[3] == "-" and quiz[5].startswith("documented:") and int(quiz[4]) > len(EXPECTED)
    # Not a method a scope can name; two routes of one scope string become one, answerable always.
    assert not any(key.startswith("OPTIONS") for key in lines)
    proxy = lines["POST /api/lti/courses/:course_id/tool_proxy"]
    assert proxy[6] == "-" and proxy[3] == "lti/ims/tool_proxy#re_reg"
    assert lines["GET /api/v1/jobs2/:bucket"][6] == "bucket=running|queued"
    # Sorted by path, then method; stamped.
    keys = [line.split("\t")[0] for line in text.splitlines() if not line.startswith("#")]
    order = {verb: index for index, verb in enumerate(canvas_routes.VERBS)}
    assert keys == sorted(keys, key=lambda k: (k.split(" ")[1], order[k.split(" ")[0]]))
    assert len(keys) == len(set(keys))
    assert "# canvas-commit: " + "0" * 40 in text


def test_generate_check_fails_on_a_stale_catalog(tmp_path):
    text, _ = generated(tmp_path, ANNOTATIONS)
    write(tmp_path / "endpoints.txt", text)
    command = [sys.executable, SCRIPT, "generate", "--check", "--routes", str(tmp_path / "routes.tsv"),
               "--annotations", str(tmp_path / "annotations.txt"), "--catalog", str(tmp_path / "endpoints.txt")]
    assert subprocess.run(command, capture_output=True).returncode == 0
    write(tmp_path / "endpoints.txt", text.replace(":group_categorie_id", ":group_category_id"))
    stale = subprocess.run(command, capture_output=True, text=True)
    assert stale.returncode == 1 and "not what scripts/canvas-routes generate makes" in stale.stderr


def test_the_committed_facts_are_what_extract_reads_back(tmp_path):
    """routes.tsv round-trips: read and written again, it is byte for byte the committed file."""
    header, routes = canvas_routes.read_routes(canvas_routes.ROUTES_TSV)
    again = tmp_path / "again.tsv"
    with open(again, "w", encoding="utf-8") as handle:
        facts = [{"method": r["method"], "path": r["path"], "controller": r["handler"].split("#")[0],
                  "action": r["handler"].split("#", 1)[1], "constraints": r["constraints"]} for r in routes]
        canvas_routes.write_routes(facts, header["canvas-commit"], header["canvas-source"], handle)
    with open(canvas_routes.ROUTES_TSV, encoding="utf-8") as committed:
        assert again.read_text(encoding="utf-8") == committed.read()
    prefixes = {}
    for route in routes:
        prefix = next(p for p in ("/api/v1/", "/api/sis/", "/api/quiz/v1/", "/api/lti/") if route["path"].startswith(p))
        prefixes[prefix] = prefixes.get(prefix, 0) + 1
    assert prefixes["/api/v1/"] > 1200 and prefixes["/api/lti/"] > 90 and prefixes["/api/sis/"] == 3
