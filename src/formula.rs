//! Formulas of derived indicators: arithmetic on raw data columns, e.g.
//! `offences / child_population * 10000`. Numbers, column names, + - * /, parentheses and
//! unary minus; the usual precedence.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Expr {
    Number(f64),
    Column(String),
    Neg(Box<Expr>),
    Binary(char, Box<Expr>, Box<Expr>),
}

/// Where and why a formula does not parse (byte offset in the formula).
#[derive(Debug, Clone, PartialEq)]
pub struct FormulaError {
    pub at: usize,
    pub message: String,
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn skip(&mut self) {
        while self.text[self.at..].starts_with(char::is_whitespace) {
            self.at += self.text[self.at..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip();
        self.text[self.at..].chars().next()
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, FormulaError> {
        Err(FormulaError {
            at: self.at,
            message: message.into(),
        })
    }

    /// sum := product (('+' | '-') product)*
    fn sum(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.product()?;
        while let Some(op @ ('+' | '-')) = self.peek() {
            self.at += 1;
            left = Expr::Binary(op, Box::new(left), Box::new(self.product()?));
        }
        Ok(left)
    }

    /// product := unary (('*' | '/') unary)*
    fn product(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.unary()?;
        while let Some(op @ ('*' | '/')) = self.peek() {
            self.at += 1;
            left = Expr::Binary(op, Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    /// unary := '-' unary | atom
    fn unary(&mut self) -> Result<Expr, FormulaError> {
        if self.peek() == Some('-') {
            self.at += 1;
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.atom()
    }

    /// atom := number | column | '(' sum ')'
    fn atom(&mut self) -> Result<Expr, FormulaError> {
        match self.peek() {
            Some('(') => {
                self.at += 1;
                let inner = self.sum()?;
                if self.peek() != Some(')') {
                    return self.error("a ( without its )");
                }
                self.at += 1;
                Ok(inner)
            }
            Some(c) if c.is_ascii_digit() || c == '.' => {
                let start = self.at;
                let len = self.text[start..]
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .unwrap_or(self.text.len() - start);
                self.at += len;
                match self.text[start..self.at].parse::<f64>() {
                    Ok(v) => Ok(Expr::Number(v)),
                    Err(_) => Err(FormulaError {
                        at: start,
                        message: format!("\"{}\" is not a number", &self.text[start..self.at]),
                    }),
                }
            }
            Some(c) if c.is_alphabetic() || c == '_' => {
                let start = self.at;
                let len = self.text[start..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(self.text.len() - start);
                self.at += len;
                Ok(Expr::Column(self.text[start..self.at].to_string()))
            }
            Some(c) => self.error(format!("unexpected \"{c}\"")),
            None => self.error("the formula ends where a value is expected"),
        }
    }
}

/// Parses a formula.
pub fn parse(text: &str) -> Result<Expr, FormulaError> {
    let mut p = Parser { text, at: 0 };
    let e = p.sum()?;
    match p.peek() {
        None => Ok(e),
        Some(c) => p.error(format!("unexpected \"{c}\" after a complete formula")),
    }
}

impl Expr {
    /// The column names the formula reads, in order of first use.
    pub fn columns(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect(&self, out: &mut Vec<String>) {
        match self {
            Expr::Number(_) => {}
            Expr::Column(c) => {
                if !out.contains(c) {
                    out.push(c.clone());
                }
            }
            Expr::Neg(e) => e.collect(out),
            Expr::Binary(_, a, b) => {
                a.collect(out);
                b.collect(out);
            }
        }
    }

    /// The value with `column` giving each column's value: `Ok(None)` when one is missing,
    /// `Err` on a division by zero.
    pub fn eval(&self, column: &dyn Fn(&str) -> Option<f64>) -> Result<Option<f64>, String> {
        Ok(Some(match self {
            Expr::Number(v) => *v,
            Expr::Column(c) => match column(c) {
                Some(v) => v,
                None => return Ok(None),
            },
            Expr::Neg(e) => match e.eval(column)? {
                Some(v) => -v,
                None => return Ok(None),
            },
            Expr::Binary(op, a, b) => {
                let (Some(x), Some(y)) = (a.eval(column)?, b.eval(column)?) else {
                    return Ok(None);
                };
                match op {
                    '+' => x + y,
                    '-' => x - y,
                    '*' => x * y,
                    _ if y == 0.0 => return Err("division by zero".into()),
                    _ => x / y,
                }
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_parentheses_and_missing_values() {
        let e = parse("offences / child_population * 10000").unwrap();
        assert_eq!(e.columns(), ["offences", "child_population"]);
        let v = |name: &str| match name {
            "offences" => Some(30.0),
            "child_population" => Some(120_000.0),
            _ => None,
        };
        // 30 / 120000 * 10000 = 2.5
        assert_eq!(e.eval(&v), Ok(Some(2.5)));
        assert_eq!(parse("1 + 2 * 3").unwrap().eval(&v), Ok(Some(7.0)));
        assert_eq!(parse("(1 + 2) * -3").unwrap().eval(&v), Ok(Some(-9.0)));
        assert_eq!(parse("offences / missing").unwrap().eval(&v), Ok(None));
        assert!(
            parse("offences / (child_population - 120000)")
                .unwrap()
                .eval(&v)
                .is_err()
        );
    }

    #[test]
    fn broken_formulas_say_where() {
        assert_eq!(parse("a / (b * 2").unwrap_err().at, 10);
        assert_eq!(parse("a + ").unwrap_err().at, 4);
        assert_eq!(parse("a $ b").unwrap_err().at, 2);
    }
}
