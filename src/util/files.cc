#include "util/files.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "util/error.h"

namespace hb::util {

void write_file_atomically(const std::string& path, const std::string& content) {
  std::string temp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      std::remove(temp.c_str());
      throw UserError("cannot write " + path, "check that the folder exists and is writable");
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    throw UserError("cannot write " + path, "check that the folder exists and is writable");
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError("cannot read " + path, "check the path");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace hb::util
