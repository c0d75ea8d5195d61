import CDC1
import DC1Core

// The "Catalogue" and "Job lifecycle" sections of include/dc1.h.

@c @implementation public func dc1_models_list(
    _ handle: OpaquePointer?, _ filter: UnsafePointer<CChar>?, _ out: OutJSON
) -> Int32 {
    exported(out) { () throws(DC1Error) in try client(handle).models(filter: try jsonArgument(filter, "filter_json")) }
}

@c @implementation public func dc1_model_get(_ handle: OpaquePointer?, _ modelID: UnsafePointer<CChar>?, _ out: OutJSON)
    -> Int32
{
    exported(out) { () throws(DC1Error) in
        let c = try client(handle)
        return try c.model(try text(modelID, "model_id"))
    }
}

@c @implementation public func dc1_images_list(_ handle: OpaquePointer?, _ out: OutJSON) -> Int32 {
    exported(out) { () throws(DC1Error) in try client(handle).images() }
}

@c @implementation public func dc1_templates_list(
    _ handle: OpaquePointer?, _ filter: UnsafePointer<CChar>?, _ out: OutJSON
) -> Int32 {
    exported(out) { () throws(DC1Error) in try client(handle).templates(filter: try jsonArgument(filter, "filter_json"))
    }
}

@c @implementation public func dc1_template_request(
    _ handle: OpaquePointer?, _ templateID: UnsafePointer<CChar>?,
    _ overrides: UnsafePointer<CChar>?, _ out: OutJSON
) -> Int32 {
    exported(out) { () throws(DC1Error) in
        let c = try client(handle)
        let id = try text(templateID, "template_id")
        return try c.templateRequest(id, overrides: try jsonArgument(overrides, "overrides_json"))
    }
}

@c @implementation public func dc1_quote(_ handle: OpaquePointer?, _ request: UnsafePointer<CChar>?, _ out: OutJSON)
    -> Int32
{
    exported(out) { () throws(DC1Error) in
        let c = try client(handle)
        return try c.quote(try jsonArgument(request, "request_json", required: true))
    }
}

@c @implementation public func dc1_usage(_ handle: OpaquePointer?, _ out: OutJSON) -> Int32 {
    exported(out) { () throws(DC1Error) in try client(handle).usage() }
}

@c @implementation public func dc1_job_lifecycle(
    _ handle: OpaquePointer?, _ jobID: UnsafePointer<CChar>?, _ options: UnsafePointer<CChar>?,
    _ out: OutJSON
) -> Int32 {
    exported(out) { () throws(DC1Error) in
        let c = try client(handle)
        let id = try text(jobID, "job_id")
        return try c.lifecycle(id, options: try jsonArgument(options, "options_json"))
    }
}

@c @implementation public func dc1_job_lifecycle_stream(
    _ handle: OpaquePointer?, _ jobID: UnsafePointer<CChar>?,
    _ options: UnsafePointer<CChar>?, _ onEvent: dc1_event_fn?,
    _ user: UnsafeMutableRawPointer?, _ out: OutJSON
) -> Int32 {
    exported(out) { () throws(DC1Error) in
        let c = try client(handle)
        let id = try text(jobID, "job_id")
        let o = try CoreClient.StreamOptions.from(try jsonArgument(options, "options_json"))
        guard let onEvent else { throw DC1Error(.invalidArgument, "on_event is NULL") }
        return try c.streamLifecycle(id, options: o) { deliver(onEvent, user, $0, c.redactor) }
    }
}
