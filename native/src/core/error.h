#pragma once
// The one error type native code throws. The binding turns it (and every other std::exception)
// into a JS error; `kind` picks the NutshellError subclass on the JS side.
#include <stdexcept>
#include <string>

namespace nutshell::core {

enum class ErrorKind { shape, dtype, device, backend, data, value };

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

inline const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::shape: return "ShapeError";
    case ErrorKind::dtype: return "DTypeError";
    case ErrorKind::device: return "DeviceError";
    case ErrorKind::backend: return "BackendError";
    case ErrorKind::data: return "DataError";
    case ErrorKind::value: return "ValueError";
  }
  return "NutshellError";
}

}  // namespace nutshell::core

#define NS_THROW(kind, msg) throw ::nutshell::core::Error(::nutshell::core::ErrorKind::kind, (msg))
#define NS_CHECK(cond, kind, msg) \
  do {                            \
    if (!(cond)) NS_THROW(kind, msg); \
  } while (0)
