resource "aws_appmesh_mesh" "test" {
  name = "tf-acc-gateway-tls"
}

resource "aws_appmesh_virtual_gateway" "test" {
  name      = "tf-acc-gateway"
  mesh_name = aws_appmesh_mesh.test.id

  spec {
    listener {
      port_mapping {
        port     = 8080
        protocol = "http"
      }

      tls {
        certificate {
          file {
            certificate_chain = "/cert_chain.pem"
            private_key       = "/key.pem"
          }
        }

        mode = "PERMISSIVE"
      }
    }
  }
}
