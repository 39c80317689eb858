// The user's own Containerfile (issue 15): the recipe hash (Containerfile,
// build context, base), the FROM placeholder, the errors, and the build
// through the runtime seam, on the fake runtime.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "fake_runtime.h"
#include "image/build_context.h"
#include "image/containerfile.h"
#include "image/image_builder.h"
#include "scenario/adhoc.h"
#include "scenario/loader.h"
#include "user_error.h"
#include "util/error.h"

namespace hb::image {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

using hb::testing::error_of;

// Images exist only once built (or listed), so ensure() builds what is missing.
class ImageStore : public testing::FakeRuntime {
 public:
  std::set<std::string> images;
  std::optional<runtime::ImageInfo> inspect_image(const std::string& name) override {
    if (!images.count(name)) return std::nullopt;
    return runtime::ImageInfo{};
  }
  runtime::ProcessResult build_containerfile(const runtime::BuildSpec& spec,
                                             std::chrono::milliseconds timeout) override {
    runtime::ProcessResult result = FakeRuntime::build_containerfile(spec, timeout);
    if (result.ok()) images.insert(spec.name);
    return result;
  }
  runtime::ProcessResult build_image(const std::string& dir, const std::string& name,
                                     std::chrono::milliseconds timeout) override {
    calls.push_back("build-packages " + name);
    images.insert(name);
    return FakeRuntime::build_image(dir, name, timeout);
  }
};

class NoProcesses : public runtime::ProcessRunner {
 public:
  runtime::ProcessResult run(const runtime::Argv& argv, std::chrono::milliseconds) override {
    ADD_FAILURE() << "unexpected process " << runtime::quote_argv(argv);
    return {};
  }
};

const std::string kContainerfile =
    "# counterd\n"
    "FROM hardbisect-base AS build\n"
    "COPY app.c /src/app.c\n"
    "RUN gcc -o /src/app /src/app.c\n"
    "\n"
    "FROM hardbisect-base\n"
    "COPY --from=build /src/app /usr/local/bin/app\n"
    "COPY app.conf /etc/app.conf\n";

class ContainerfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "hb-cfile-test-XXXXXX").string();
    ASSERT_TRUE(mkdtemp(pattern.data()));
    m_root = pattern;
    m_dir = m_root / "app";
    fs::create_directories(m_dir);
    write("Containerfile", kContainerfile);
    write("app.c", "int main(void) { return 0; }\n");
    write("app.conf", "port = 7070\n");
    m_store.images.insert(m_images.base_recipe("bookworm").name);
    m_store.images.insert(m_images.base_recipe("trixie").name);
  }
  void TearDown() override { fs::remove_all(m_root); }

  void write(const std::string& name, const std::string& text) {
    fs::create_directories((m_dir / name).parent_path());
    std::ofstream(m_dir / name) << text;
  }
  ImageRequest request(const std::string& release = "bookworm") const {
    ImageRequest r;
    r.release = release;
    r.containerfile = (m_dir / "Containerfile").string();
    return r;
  }
  std::string hash() const { return m_images.recipe(request()).hash; }

  fs::path m_root, m_dir;
  ImageStore m_store;
  NoProcesses m_processes;
  ImageBuilder m_images{m_store, m_processes, default_images_dir(),
                        [this](const std::string& line) { m_log.push_back(line); }};
  std::vector<std::string> m_log;
};

TEST_F(ContainerfileTest, TheHashCoversTheContainerfileText) {
  std::string before = hash();
  EXPECT_EQ(hash(), before) << "the same inputs, the same recipe";
  write("Containerfile", kContainerfile + "RUN true\n");
  EXPECT_NE(hash(), before);
}

TEST_F(ContainerfileTest, TheHashCoversEveryFileOfTheContext) {
  std::string before = hash();
  write("app.conf", "port = 7071\n");
  std::string changed = hash();
  EXPECT_NE(changed, before) << "a changed file";
  write("docs/notes.txt", "new\n");
  std::string added = hash();
  EXPECT_NE(added, changed) << "a new file, even one no COPY names (COPY . would send it)";
  fs::permissions(m_dir / "app.c", fs::perms::owner_exec, fs::perm_options::add);
  EXPECT_NE(hash(), added) << "a mode";
}

TEST_F(ContainerfileTest, NothingElseChangesTheHash) {
  std::string before = hash();
  fs::last_write_time(m_dir / "app.c", fs::last_write_time(m_dir / "app.c") + std::chrono::hours(1));
  EXPECT_EQ(hash(), before) << "a touch is not a change";
  fs::copy(m_dir, m_root / "elsewhere", fs::copy_options::recursive);
  ImageRequest moved = request();
  moved.containerfile = (m_root / "elsewhere" / "Containerfile").string();
  EXPECT_EQ(m_images.recipe(moved).hash, before) << "the same files in another folder";
}

TEST_F(ContainerfileTest, WhatTheContainerignoreLeavesOutDoesNotCount) {
  write(".containerignore", "# scenario files\n*.yaml\nbuild/\n**/*.log\n!keep.log\n");
  std::string before = hash();
  write("scenario.yaml", "name: x\n");
  write("build/out.o", "object\n");
  write("debug.log", "log\n");
  EXPECT_EQ(hash(), before);
  write("keep.log", "kept\n");
  EXPECT_NE(hash(), before) << "re-included by !keep.log";
}

TEST_F(ContainerfileTest, TheDockerignoreServesWhenThereIsNoContainerignore) {
  write(".dockerignore", "notes.txt\n");
  std::string before = hash();
  write("notes.txt", "x\n");
  EXPECT_EQ(hash(), before);
}

TEST_F(ContainerfileTest, TheHashCoversTheBaseAndThePackages) {
  ImageRecipe bookworm = m_images.recipe(request("bookworm"));
  ImageRecipe trixie = m_images.recipe(request("trixie"));
  EXPECT_NE(bookworm.hash, trixie.hash);
  EXPECT_EQ(bookworm.base_name, m_images.base_recipe("bookworm").name);
  EXPECT_THAT(bookworm.name, HasSubstr("localhost/hardbisect-bookworm-cf-app:"));
  EXPECT_THAT(trixie.name, HasSubstr("localhost/hardbisect-trixie-cf-app:"));
  ImageRequest with_packages = request();
  with_packages.packages = {"curl"};
  ImageRecipe packaged = m_images.recipe(with_packages);
  EXPECT_NE(packaged.hash, bookworm.hash);
  EXPECT_THAT(packaged.base_name, HasSubstr("localhost/hardbisect-bookworm-pkgs:"))
      << "with packages, the Containerfile builds FROM the packages image";
}

TEST_F(ContainerfileTest, EveryPlaceholderFromBecomesTheBaseImage) {
  ImageRecipe recipe = m_images.recipe(request());
  std::string base = m_images.base_recipe("bookworm").name;
  EXPECT_THAT(recipe.build_text, HasSubstr("\nFROM " + base + " AS build\n"));
  EXPECT_THAT(recipe.build_text, HasSubstr("\nFROM " + base + "\nCOPY --from=build"));
  EXPECT_THAT(recipe.build_text, Not(HasSubstr("hardbisect-base")));
  EXPECT_EQ(recipe.build_text.rfind("# counterd\n", 0), 0u) << "line numbers kept";
  EXPECT_THAT(recipe.build_text, HasSubstr("USER root\nCMD [\"/sbin/init\"]\n"));
  EXPECT_THAT(recipe.build_text, HasSubstr("io.hardbisect.recipe=" + recipe.hash));
}

TEST_F(ContainerfileTest, AFromOfAnEarlierStageAndContinuationsAreKept) {
  write("Containerfile",
        "ARG VERSION=1\nFROM \\\n  hardbisect-base as Build\nRUN true\nFROM build\nCOPY app.c /x\n");
  std::string text = m_images.recipe(request()).build_text;
  EXPECT_THAT(text, HasSubstr("ARG VERSION=1\nFROM " + m_images.base_recipe("bookworm").name +
                              " AS Build\n\nRUN true\nFROM build\n"));
}

struct BadContainerfile {
  std::string text;
  std::string message;
  std::string hint;
};

TEST_F(ContainerfileTest, AFromThatIsNotThePlaceholderIsRefusedWithTheFix) {
  std::vector<BadContainerfile> cases{
      {"FROM debian:bookworm\nRUN true\n", "Containerfile:1: FROM debian:bookworm is not the placeholder",
       "FROM hardbisect-base"},
      {"ARG BASE=hardbisect-base\nFROM ${BASE}\n", "Containerfile:2: FROM ${BASE} is not the placeholder",
       "FROM hardbisect-base"},
      {"FROM --platform=linux/arm64 hardbisect-base\n", "Containerfile:1: FROM --platform", ""},
      {"# only a comment\n", "no FROM line", "FROM hardbisect-base"},
      {"RUN true\nFROM hardbisect-base\n", "Containerfile:1: RUN before the first FROM", ""},
      {"FROM hardbisect-base AS a\nFROM b\n", "Containerfile:2: FROM b is not the placeholder", ""},
      {"FROM hardbisect-base\nENTRYPOINT [\"/app\"]\n", "Containerfile:2: ENTRYPOINT in the final stage",
       "ExecStart="},
      {"# escape=`\nFROM hardbisect-base\n", "escape", ""},
  };
  for (const auto& c : cases) {
    write("Containerfile", c.text);
    UserError e = error_of([&] { m_images.recipe(request()); });
    EXPECT_THAT(e.what(), HasSubstr(c.message)) << c.text;
    EXPECT_THAT(e.hint(), HasSubstr(c.hint)) << c.text;
    EXPECT_EQ(e.exit_code(), kExitUsage) << c.text;
  }
}

TEST_F(ContainerfileTest, SourcesOutsideOrMissingFromTheContextAreRefused) {
  std::ofstream(m_root / "secret.txt") << "x\n";
  write("Containerfile", "FROM hardbisect-base\nCOPY ../secret.txt /etc/\n");
  UserError outside = error_of([&] { m_images.recipe(request()); });
  EXPECT_THAT(outside.what(),
              HasSubstr("Containerfile:2: COPY ../secret.txt reaches outside the build context"));
  EXPECT_THAT(outside.hint(), HasSubstr("image.context"));

  write("Containerfile", "FROM hardbisect-base\nADD [\"missing.conf\", \"/etc/\"]\n");
  EXPECT_THAT(error_of([&] { m_images.recipe(request()); }).what(),
              HasSubstr("Containerfile:2: ADD missing.conf: no such file or folder in the build context"));

  write(".containerignore", "app.conf\n");
  write("Containerfile", "FROM hardbisect-base\nCOPY --chown=0:0 app.conf /etc/\n");
  EXPECT_THAT(error_of([&] { m_images.recipe(request()); }).what(),
              HasSubstr("(or its .containerignore leaves it out)"));

  write("Containerfile", "FROM hardbisect-base\nCOPY *.c sub/ /src/\nCOPY . /all/\n");
  fs::create_directories(m_dir / "sub");
  EXPECT_NO_THROW(m_images.recipe(request())) << "globs, folders and . are fine";
}

// issue 20: a symlink that leaves the context is one line before podman
// runs (podman follows it and dumps a Go struct as its message).
TEST_F(ContainerfileTest, ASymlinkThatLeavesTheContextIsRefusedInOneLine) {
  std::ofstream(m_root / "secret.txt") << "x\n";
  fs::create_symlink(m_root / "secret.txt", m_dir / "secret");
  UserError e = error_of([&] { m_images.recipe(request()); });
  EXPECT_THAT(e.what(), HasSubstr("secret is a symlink to " + (m_root / "secret.txt").string() +
                                  ", which leaves the context " + m_dir.string()));
  EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  EXPECT_THAT(e.hint(), HasSubstr(".containerignore"));
  fs::remove(m_dir / "secret");
  fs::create_directories(m_dir / "sub");
  fs::create_symlink("../../secret.txt", m_dir / "sub/up");
  EXPECT_THAT(error_of([&] { m_images.recipe(request()); }).what(), HasSubstr("sub/up is a symlink to"));
  fs::remove(m_dir / "sub/up");
  // Inside the context, or left out by .containerignore: fine.
  fs::create_symlink("../app.c", m_dir / "sub/app.c");
  fs::create_symlink("/etc/shadow", m_dir / "ignored-link");
  write(".containerignore", "ignored-link\n");
  EXPECT_NO_THROW(m_images.recipe(request()));
}

TEST_F(ContainerfileTest, AMissingContainerfileOrContextIsRefused) {
  ImageRequest missing = request();
  missing.containerfile = (m_dir / "Nope").string();
  UserError e = error_of([&] { m_images.recipe(missing); });
  EXPECT_THAT(e.what(), HasSubstr("does not exist"));
  EXPECT_EQ(e.exit_code(), kExitUsage);
  ImageRequest no_context = request();
  no_context.context = (m_root / "gone").string();
  EXPECT_THAT(error_of([&] { m_images.recipe(no_context); }).what(), HasSubstr("gone does not exist"));
  EXPECT_TRUE(m_store.containerfile_builds.empty());
}

TEST_F(ContainerfileTest, ItIsBuiltOnceThenServedFromTheCacheUntilSomethingChanges) {
  std::string first = m_images.ensure(request());
  ASSERT_EQ(m_store.containerfile_builds.size(), 1u);
  const auto& [spec, text] = m_store.containerfile_builds.front();
  EXPECT_EQ(spec.name, first);
  EXPECT_EQ(spec.context_dir, m_dir.string());
  EXPECT_THAT(text, HasSubstr("FROM " + m_images.base_recipe("bookworm").name + " AS build"));
  EXPECT_FALSE(fs::exists(spec.containerfile)) << "the generated file is removed after the build";

  EXPECT_EQ(m_images.ensure(request()), first);
  EXPECT_EQ(m_store.containerfile_builds.size(), 1u) << "a cache hit";
  EXPECT_THAT(m_log.back(), HasSubstr("the same Containerfile and build context"));

  write("app.conf", "port = 7071\n");
  std::string second = m_images.ensure(request());
  EXPECT_NE(second, first);
  EXPECT_EQ(m_store.containerfile_builds.size(), 2u);
}

TEST_F(ContainerfileTest, PackagesAreBuiltFirstThenTheContainerfileOnThem) {
  ImageRequest r = request();
  r.packages = {"curl"};
  m_images.ensure(r);
  ASSERT_EQ(m_store.calls.size(), 2u);
  EXPECT_THAT(m_store.calls[0], HasSubstr("build-packages localhost/hardbisect-bookworm-pkgs:"));
  EXPECT_THAT(m_store.calls[1], HasSubstr("build localhost/hardbisect-bookworm-cf-app:"));
}

TEST_F(ContainerfileTest, AFailingStepIsTheUsersErrorWithItsLineAndTheLastLines) {
  runtime::ProcessResult failed;
  failed.exit_code = 1;
  failed.out = "[1/2] STEP 3/3: RUN gcc -o /src/app /src/app.c\napp.c:1: error: expected ';'\n";
  failed.err =
      "Error: building at STEP \"RUN gcc -o /src/app /src/app.c\": while running runtime: exit status 1\n";
  m_store.build_failure = failed;
  UserError e = error_of([&] { m_images.ensure(request()); });
  EXPECT_EQ(e.exit_code(), kExitUsage);
  EXPECT_THAT(e.what(), HasSubstr("Containerfile:4: a step of your Containerfile failed"));
  EXPECT_THAT(e.what(), HasSubstr("app.c:1: error: expected ';'"));
  EXPECT_THAT(e.hint(), HasSubstr("nothing was left behind"));
  EXPECT_EQ(m_images.exists(m_images.recipe(request())), false);
}

TEST_F(ContainerfileTest, AnUnreachableMirrorIsTheEnvironmentsError) {
  runtime::ProcessResult failed;
  failed.exit_code = 100;
  failed.out =
      "Err:1 http://deb.debian.org/debian bookworm InRelease\n  Temporary failure resolving "
      "'deb.debian.org'\n";
  failed.err = "Error: building at STEP \"RUN apt-get update\": while running runtime: exit status 100\n";
  m_store.build_failure = failed;
  UserError e = error_of([&] { m_images.ensure(request()); });
  EXPECT_EQ(e.exit_code(), kExitInfra);
  EXPECT_THAT(e.what(), HasSubstr("could not reach a package mirror"));
}

TEST(IgnoreRules, MatchLikePodmanForTheSimpleCases) {
  IgnoreRules rules("# comment\n/build\n*.o\ndocs/**/*.md\n!docs/keep.md\n");
  EXPECT_TRUE(rules.ignored("build"));
  EXPECT_TRUE(rules.ignored("build/deep/x"));
  EXPECT_TRUE(rules.ignored("main.o"));
  EXPECT_FALSE(rules.ignored("src/main.o")) << "patterns are anchored at the context root";
  EXPECT_TRUE(rules.ignored("docs/a/b/c.md"));
  EXPECT_TRUE(rules.ignored("docs/c.md")) << "** matches no folder too";
  EXPECT_FALSE(rules.ignored("docs/keep.md"));
  EXPECT_FALSE(rules.ignored("main.c"));
}

TEST(ContainerfileScenario, TheLoaderResolvesThePathsAgainstTheScenarioFile) {
  fs::path dir = fs::temp_directory_path() / "hb-cfile-loader-test";
  fs::create_directories(dir / "svc" / "ctx");
  std::ofstream(dir / "svc" / "Containerfile") << "FROM hardbisect-base\n";
  const std::string head = "service: {unit: app.service}\nworkload: {command: \"true\"}\nimage:\n";
  scenario::Scenario s = scenario::load_scenario_string(
      head + "  containerfile: svc/Containerfile\n  context: svc/ctx\n", (dir / "s.yaml").string());
  EXPECT_EQ(s.image.containerfile, (dir / "svc" / "Containerfile").string());
  EXPECT_EQ(s.image.context, (dir / "svc" / "ctx").string());

  auto load_error = [&](const std::string& image) {
    return error_of([&] { scenario::load_scenario_string(head + image, (dir / "s.yaml").string()); });
  };
  UserError missing = load_error("  containerfile: svc/Nope\n");
  EXPECT_THAT(missing.what(), HasSubstr("s.yaml:4:18: Containerfile"));
  EXPECT_THAT(missing.what(), HasSubstr("does not exist"));
  EXPECT_THAT(load_error("  context: svc\n").what(),
              HasSubstr("'image.context' without 'image.containerfile'"));
  EXPECT_THAT(load_error("  name: localhost/x:1\n  containerfile: svc/Containerfile\n").what(),
              HasSubstr("exclude each other"));
  EXPECT_THAT(load_error("  containerfile: svc/Containerfile\n  context: svc/none\n").what(),
              HasSubstr("is not an existing folder"));
  fs::remove_all(dir);
}

TEST(ContainerfileScenario, TheFlagOverridesTheScenarioOrIsRefused) {
  fs::path dir = fs::temp_directory_path() / "hb-cfile-flag-test";
  fs::create_directories(dir);
  std::ofstream(dir / "Containerfile") << "FROM hardbisect-base\n";
  scenario::Scenario s;
  s.loc.file = "s.yaml";
  scenario::AdhocFlags flags;
  flags.containerfile = (dir / "Containerfile").string();
  flags.given.insert("--containerfile");
  std::vector<std::string> lines = scenario::apply_flags(s, flags);
  EXPECT_EQ(s.image.containerfile, flags.containerfile);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("(from --containerfile; the scenario says none)"));

  s.image.containerfile.clear();
  s.image.name = "localhost/mine:1";
  EXPECT_THAT(error_of([&] { scenario::apply_flags(s, flags); }).what(),
              HasSubstr("--containerfile does not apply"));
  flags.containerfile = (dir / "Nope").string();
  s.image.name.clear();
  EXPECT_THAT(error_of([&] { scenario::apply_flags(s, flags); }).what(), HasSubstr("does not exist"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hb::image
