// Test support: runs tests/support/fake_aws.py (KYC_FAKE_AWS) as a real HTTP server on 127.0.0.1
// with an ephemeral port, given the botocore models under ../shared. The server exits when its
// stdin closes (destructor), or is killed after 5 s.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace kyc_test {

class FakeAwsServer {
 public:
  explicit FakeAwsServer(const std::string& model_dir) {
    int to_child[2], from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(to_child[0], STDIN_FILENO);
      ::dup2(from_child[1], STDOUT_FILENO);
      ::close(to_child[1]);
      ::close(from_child[0]);
      ::execl(KYC_PYTHON3, KYC_PYTHON3, KYC_FAKE_AWS, model_dir.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    stdin_fd_ = to_child[1];
    stdout_fd_ = from_child[0];
    port_ = read_port();
  }

  ~FakeAwsServer() {
    if (stdin_fd_ >= 0) ::close(stdin_fd_);
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
    if (pid_ <= 0) return;
    for (int i = 0; i < 50; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }

  FakeAwsServer(const FakeAwsServer&) = delete;
  FakeAwsServer& operator=(const FakeAwsServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  // The server prints "PORT <n>\n" once it listens; 10 s is far more than it needs.
  int read_port() {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (line.find('\n') == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) throw std::runtime_error("fake AWS server did not start");
      pollfd p{stdout_fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[64];
      const ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
      if (n <= 0) throw std::runtime_error("fake AWS server exited before printing its port");
      line.append(buf, static_cast<std::size_t>(n));
    }
    if (line.rfind("PORT ", 0) != 0) throw std::runtime_error("unexpected server output");
    return std::stoi(line.substr(5));
  }

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
};

}  // namespace kyc_test
