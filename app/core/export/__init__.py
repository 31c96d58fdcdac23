"""Exports for report writers: Word files (python-docx), CSV and XLSX.

Quote tables, the codebook and matrix displays as Word files in Word's own styles, and quote
tables as CSV and XLSX.

- `docx_base`: shared Word helpers (styles, page numbers, tables, shading, landscape, dates,
  atomic saving).
- `quotes`: quote rows from the project and the quote-table exports.
- `codebook_docx`: the codebook with definitions, criteria, examples and counts.
- `matrix_docx`: a matrix display (rows x columns) as a landscape Word table.
"""
