import AMFTestSupport
import Foundation
import Testing

@testable import AMFArtifacts

/// Files are standard HDF5: the reference tool `h5dump` (hdf5-tools, installed by Scripts/setup.sh)
/// reads them and sees the same objects and values.
@Suite struct H5DumpTests {
  @Test func h5dumpReadsAWrittenArtifact() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("small.h5")
    try ArtifactFile.write(try Fixtures.small(), to: url)
    let h5dump = try #require(
      ["/usr/bin/h5dump", "/usr/local/bin/h5dump"].first { FileManager.default.isExecutableFile(atPath: $0) },
      "h5dump not found: run Scripts/setup.sh (installs hdf5-tools)")
    let result = try Executables.run(executable: URL(fileURLWithPath: h5dump), [url.path])
    let output = result.standardOutput
    #expect(result.status == 0)
    #expect(output.contains("DATASET \"actions\""))
    #expect(output.contains("H5T_IEEE_F32LE"))
    #expect(output.contains("DATASPACE  SIMPLE { ( 3, 2 ) / ( 3, 2 ) }"))
    #expect(output.contains("(2,0): 5, 6"))
    #expect(output.contains("ATTRIBUTE \"amf.kind\""))
    #expect(output.contains("\"demonstrations\""))
    #expect(output.contains("H5T_CSET_UTF8"))
  }
}
