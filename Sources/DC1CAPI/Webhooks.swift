import CDC1
import DC1Core
import Glibc

@c @implementation public func dc1_webhook_verify(
    _ secret: UnsafePointer<CChar>?, _ signature: UnsafePointer<CChar>?,
    _ body: UnsafePointer<CChar>?, _ bodyLen: Int
) -> Int32 {
    guard let secret else { return fail(nil, .invalid("secret is NULL")) }
    guard let signature else { return fail(nil, .invalid("signature_header is NULL")) }
    guard body != nil || bodyLen == 0 else { return fail(nil, .invalid("body is NULL")) }
    let key = Array(UnsafeRawBufferPointer(start: secret, count: strlen(secret)))
    let header = String(decoding: UnsafeRawBufferPointer(start: signature, count: strlen(signature)), as: UTF8.self)
    let ok = WebhookVerifier.verify(
        secret: key, signatureHeader: header,
        body: UnsafeRawBufferPointer(start: body, count: bodyLen))
    if ok { setLastError(nil); return 0 }
    return fail(nil, DC1Error(.badSignature, "the webhook signature does not match the body"))
}

@c @implementation public func dc1_webhook_parse(_ body: UnsafePointer<CChar>?, _ bodyLen: Int, _ out: OutJSON) -> Int32
{
    exportedWithoutClient(out) { () throws(DC1Error) in
        guard let body else { throw DC1Error(.invalidArgument, "body is NULL") }
        let doc: JSON
        do { doc = try JSON.parse(bytes: UnsafeRawBufferPointer(start: body, count: bodyLen)) } catch {
            throw DC1Error(.invalidArgument, "webhook body is not valid JSON")
        }
        return try WebhookEvents.parse(doc)
    }
}

@c @implementation public func dc1_webhook_set_url(
    _ handle: OpaquePointer?, _ url: UnsafePointer<CChar>?, _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        let u = url == nil ? nil : try text(url, "url")
        return try c.webhooks.setWebhookURL(u?.isEmpty == true ? nil : u)
    }
}

@c @implementation public func dc1_webhooks_list(_ handle: OpaquePointer?, _ out: OutJSON) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in try c.webhooks.webhooks() }
}

@c @implementation public func dc1_webhook_register(
    _ handle: OpaquePointer?, _ request: UnsafePointer<CChar>?, _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        return try c.webhooks.registerWebhook(try jsonArgument(request, "request_json", required: true))
    }
}

@c @implementation public func dc1_webhook_delete(_ handle: OpaquePointer?, _ id: UnsafePointer<CChar>?, _ out: OutJSON)
    -> Int32
{
    exported(out, handle) { (c) throws(DC1Error) in
        return try c.webhooks.deleteWebhook(try text(id, "webhook_id"))
    }
}
