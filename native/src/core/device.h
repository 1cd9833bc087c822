#pragma once
#include <cstdint>
#include <string>

namespace nutshell::core {

enum class DeviceType : int32_t { cpu = 0, cuda = 1 };
constexpr int kDeviceTypeCount = 2;

struct Device {
  DeviceType type = DeviceType::cpu;
  int32_t index = 0;
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  std::string str() const {
    return type == DeviceType::cpu ? std::string("cpu") : "cuda:" + std::to_string(index);
  }
};

}  // namespace nutshell::core
