fn main() { println!("xtask: nothing here yet"); }
