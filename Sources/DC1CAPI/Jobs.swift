import CDC1
import DC1Core

@c @implementation public func dc1_job_submit(
    _ handle: OpaquePointer?, _ request: UnsafePointer<CChar>?, _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        return try c.jobs.submit(try jsonArgument(request, "request_json", required: true))
    }
}

@c @implementation public func dc1_job_get(_ handle: OpaquePointer?, _ jobID: UnsafePointer<CChar>?, _ out: OutJSON)
    -> Int32
{
    exported(out, handle) { (c) throws(DC1Error) in
        return try c.jobs.job(try text(jobID, "job_id"))
    }
}

@c @implementation public func dc1_job_status(_ handle: OpaquePointer?, _ jobID: UnsafePointer<CChar>?, _ out: OutJSON)
    -> Int32
{
    exported(out, handle) { (c) throws(DC1Error) in
        return try c.jobs.jobStatus(try text(jobID, "job_id"))
    }
}

@c @implementation public func dc1_job_watch(
    _ handle: OpaquePointer?, _ jobID: UnsafePointer<CChar>?,
    _ options: UnsafePointer<CChar>?, _ onEvent: dc1_event_fn?,
    _ user: UnsafeMutableRawPointer?, _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        let id = try text(jobID, "job_id")
        let w = try Jobs.WaitOptions.from(try jsonArgument(options, "options_json"))
        guard let onEvent else { return try c.jobs.watch(id, options: w, onEvent: nil) }
        return try c.jobs.watch(id, options: w) { deliver(onEvent, user, $0, c.redactor) }
    }
}

@c @implementation public func dc1_job_wait(
    _ handle: OpaquePointer?, _ jobID: UnsafePointer<CChar>?,
    _ options: UnsafePointer<CChar>?, _ out: OutJSON
) -> Int32 {
    dc1_job_watch(handle, jobID, options, nil, nil, out)
}

@c @implementation public func dc1_job_get_with_output(
    _ handle: OpaquePointer?, _ jobID: UnsafePointer<CChar>?, _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        return try c.jobs.getWithOutput(try text(jobID, "job_id"))
    }
}

@c @implementation public func dc1_job_output(_ handle: OpaquePointer?, _ jobID: UnsafePointer<CChar>?, _ out: OutJSON)
    -> Int32
{
    exported(out, handle) { (c) throws(DC1Error) in
        return try c.output.output(try text(jobID, "job_id"))
    }
}

@c @implementation public func dc1_job_save_image(
    _ handle: OpaquePointer?, _ jobID: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?,
    _ out: OutJSON
) -> Int32 {
    exported(out, handle, outRequired: false) { (c) throws(DC1Error) in
        let id = try text(jobID, "job_id")
        return try c.output.saveImage(id, path: try text(path, "path"))
    }
}

@c @implementation public func dc1_job_cancel(_ handle: OpaquePointer?, _ jobID: UnsafePointer<CChar>?, _ out: OutJSON)
    -> Int32
{
    exported(out, handle) { (c) throws(DC1Error) in
        return try c.jobs.cancel(try text(jobID, "job_id"))
    }
}

@c @implementation public func dc1_job_logs(
    _ handle: OpaquePointer?, _ jobID: UnsafePointer<CChar>?, _ options: UnsafePointer<CChar>?,
    _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        let id = try text(jobID, "job_id")
        return try c.jobs.logs(id, options: try jsonArgument(options, "options_json"))
    }
}

@c @implementation public func dc1_jobs_history(
    _ handle: OpaquePointer?, _ options: UnsafePointer<CChar>?, _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        return try c.jobs.history(options: try jsonArgument(options, "options_json"))
    }
}
