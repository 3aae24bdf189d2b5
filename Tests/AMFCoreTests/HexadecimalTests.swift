import Testing

@testable import AMFCore

/// The one lowercase-hex encoder behind every SHA-256 text in the project.
@Suite struct HexadecimalTests {
  @Test func twoLowercaseDigitsPerByte() {
    #expect(hexadecimal([UInt8]()) == "")
    #expect(hexadecimal([0x00, 0x0f, 0xf0, 0xff, 0x5a]) == "000ff0ff5a")
    #expect(hexadecimal(0...15 as ClosedRange<UInt8>) == "000102030405060708090a0b0c0d0e0f")
    #expect(hexadecimal([UInt8](repeating: 0xab, count: 32)) == String(repeating: "ab", count: 32))
  }
}
