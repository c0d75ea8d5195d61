import CDC1
import DC1Core

// The "Catalogue" and "Job lifecycle" sections of include/dc1.h.

@c @implementation public func dc1_models_list(
    _ handle: OpaquePointer?, _ filter: UnsafePointer<CChar>?, _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        try c.catalogue.models(filter: try jsonArgument(filter, "filter_json"))
    }
}

@c @implementation public func dc1_model_get(_ handle: OpaquePointer?, _ modelID: UnsafePointer<CChar>?, _ out: OutJSON)
    -> Int32
{
    exported(out, handle) { (c) throws(DC1Error) in
        return try c.catalogue.model(try text(modelID, "model_id"))
    }
}

@c @implementation public func dc1_images_list(_ handle: OpaquePointer?, _ out: OutJSON) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in try c.catalogue.images() }
}

@c @implementation public func dc1_templates_list(
    _ handle: OpaquePointer?, _ filter: UnsafePointer<CChar>?, _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        try c.catalogue.templates(filter: try jsonArgument(filter, "filter_json"))
    }
}

@c @implementation public func dc1_template_request(
    _ handle: OpaquePointer?, _ templateID: UnsafePointer<CChar>?,
    _ overrides: UnsafePointer<CChar>?, _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        let id = try text(templateID, "template_id")
        return try c.catalogue.templateRequest(id, overrides: try jsonArgument(overrides, "overrides_json"))
    }
}

@c @implementation public func dc1_quote(_ handle: OpaquePointer?, _ request: UnsafePointer<CChar>?, _ out: OutJSON)
    -> Int32
{
    exported(out, handle) { (c) throws(DC1Error) in
        return try c.catalogue.quote(try jsonArgument(request, "request_json", required: true))
    }
}

@c @implementation public func dc1_usage(_ handle: OpaquePointer?, _ out: OutJSON) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in try c.catalogue.usage() }
}

@c @implementation public func dc1_job_lifecycle(
    _ handle: OpaquePointer?, _ jobID: UnsafePointer<CChar>?, _ options: UnsafePointer<CChar>?,
    _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        let id = try text(jobID, "job_id")
        return try c.jobs.lifecycle(id, options: try jsonArgument(options, "options_json"))
    }
}

@c @implementation public func dc1_job_lifecycle_stream(
    _ handle: OpaquePointer?, _ jobID: UnsafePointer<CChar>?,
    _ options: UnsafePointer<CChar>?, _ onEvent: dc1_event_fn?,
    _ user: UnsafeMutableRawPointer?, _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        let id = try text(jobID, "job_id")
        let o = try Streams.Options.from(try jsonArgument(options, "options_json"))
        guard let onEvent else { throw DC1Error(.invalidArgument, "on_event is NULL") }
        return try c.streams.streamLifecycle(id, options: o) { deliver(onEvent, user, $0, c.redactor) }
    }
}
