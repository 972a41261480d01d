#[test]
fn scratch() {
    for f in ["/tmp/vfx/dump-plain.txt", "/work/lab/out/EXC-amd64.log"] {
        let d = std::fs::read(f).unwrap();
        let s = ktriage_syz::parse(&d).unwrap();
        eprintln!(
            "{f}: {} {:?}\n{}",
            s.title,
            s.corrupted_reason,
            String::from_utf8_lossy(&s.report)
        );
    }
}
