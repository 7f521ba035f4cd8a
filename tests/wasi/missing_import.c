/* Imports a function no host provides: loading must fail with "unknown import: env.foo". */
__attribute__ ((import_module ("env"), import_name ("foo"))) void foo (void);

int main (void)
{
  foo ();
  return 0;
}
