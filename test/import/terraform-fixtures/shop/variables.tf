# A shop mesh written the way Terraform users write App Mesh: variables, locals, for_each,
# count, dynamic blocks, references to ids and names. Planned with the real provider in
# test/import/terraform-real.test.ts; shop.tf.json beside this folder is the same mesh in JSON.
variable "mesh_name" {
  type    = string
  default = "shop"
}

variable "namespace_name" {
  type    = string
  default = "shop.local"
}

variable "backends" {
  type = map(object({ port = number, path = string }))
  default = {
    cart    = { port = 8080, path = "/cart" }
    catalog = { port = 8081, path = "/catalog" }
  }
}
