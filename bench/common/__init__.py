"""The book's common/ package, as the NumPy references use it (float64, the book's code path)."""
