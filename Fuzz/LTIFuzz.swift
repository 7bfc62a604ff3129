// libFuzzer entry for the LTI configuration parser (JSON and XML). Any input must be accepted or
// refused with an LTIConfigurationError: never a crash or an out-of-bounds read.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func ltiFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let configuration = try LTIConfigurationParser.parse(bytes)
        precondition(["1.1", "1.3"].contains(configuration.ltiVersion))
    } catch is LTIConfigurationError {
    } catch {
        preconditionFailure("unexpected error \(error)")
    }
    return 0
}
