/// The API's OpenAPI document, `openapi.yaml`, compiled into the binary.
public enum APISpec {
    public static var bytes: [UInt8] { PackageResources.openapi_yaml }
    public static var yaml: String { String(decoding: PackageResources.openapi_yaml, as: UTF8.self) }
}
