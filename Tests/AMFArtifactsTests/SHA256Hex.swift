import Foundation
import Crypto

/// Lowercase hex SHA-256 of `bytes`, computed independently of ContentDigest.
func sha256Hex(_ bytes: [UInt8]) -> String {
  SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}
