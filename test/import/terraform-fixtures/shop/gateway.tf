resource "aws_appmesh_virtual_gateway" "ingress" {
  name      = "ingress"
  mesh_name = aws_appmesh_mesh.shop.id

  spec {
    listener {
      port_mapping {
        port     = 443
        protocol = "http"
      }
      tls {
        mode = "STRICT"
        certificate {
          file {
            certificate_chain = "/certs/chain.pem"
            private_key       = "/certs/key.pem"
          }
        }
      }
      connection_pool {
        http {
          max_connections      = 100
          max_pending_requests = 10
        }
      }
    }

    backend_defaults {
      client_policy {
        tls {
          validation {
            trust {
              file {
                certificate_chain = "/certs/ca.pem"
              }
            }
          }
        }
      }
    }

    logging {
      access_log {
        file {
          path = "/dev/stdout"
          format {
            json {
              key   = "path"
              value = "%REQ(:PATH)%"
            }
          }
        }
      }
    }
  }
}

resource "aws_appmesh_gateway_route" "backend" {
  for_each             = var.backends
  name                 = "${each.key}-gw"
  mesh_name            = aws_appmesh_mesh.shop.id
  virtual_gateway_name = aws_appmesh_virtual_gateway.ingress.name

  spec {
    http_route {
      match {
        prefix = "${each.value.path}/"
      }
      action {
        target {
          virtual_service {
            virtual_service_name = aws_appmesh_virtual_service.backend[each.key].name
          }
        }
        rewrite {
          prefix {
            value = "/"
          }
          hostname {
            default_target_hostname = "ENABLED"
          }
        }
      }
    }
  }
}
